"""A real RabbitMQ broker for tests, isolated and leak-free (RECIPES: RabbitMQ in tests).

``rabbitmq`` (session scope) starts Debian's ``rabbitmq-server`` under a temp dir with its own
HOME/cookie, node name, mnesia/log dirs and config, free loopback ports, and its own ``epmd``
bound to 127.0.0.1 (``-start_epmd false`` so no stray epmd listens on 0.0.0.0). Ready means a
pika handshake succeeds. ``rabbitmq.kill()`` SIGKILLs the broker (the whole Erlang VM) and
``rabbitmq.start()`` brings it back on the same ports and data dir. Teardown stops the broker
and epmd and kills whatever of their process trees is left.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from servers import free_port

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


class RabbitBroker:
    """One isolated broker; ``url`` is its AMQP URL."""

    def __init__(self, base: Path):
        self.base = base
        self.port, self.dist_port, self.epmd_port = free_port(), free_port(), free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        home = base / "home"
        home.mkdir(parents=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text("PQFLTESTCOOKIE" + str(self.port))
        cookie.chmod(0o400)
        (base / "rabbitmq.conf").write_text("loopback_users = none\nlog.console = false\n")
        (base / "enabled_plugins").write_text("[].\n")
        (base / "rabbitmq-env.conf").write_text("")
        erl_args = "-start_epmd false"
        self.env = {
            **os.environ, "HOME": str(home), "RABBITMQ_NODENAME": f"pqfl{self.port}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1", "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port), "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"), "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": erl_args, "RABBITMQ_CTL_ERL_ARGS": erl_args,
        }
        self.epmd = subprocess.Popen(["epmd", "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                                     env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> None:
        """Start the broker and wait until a pika handshake succeeds."""
        import pika

        log = open(self.base / f"server-{self.starts}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.starts += 1
        self.proc = subprocess.Popen([SERVER], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.proc._log = log
        params = pika.URLParameters(self.url)
        params.connection_attempts, params.socket_timeout = 1, 2
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rabbitmq-server exited with {self.proc.returncode}; see {log.name}")
            try:
                pika.BlockingConnection(params).close()
                return
            except pika.exceptions.AMQPError:
                time.sleep(0.3)
        raise TimeoutError("RabbitMQ did not accept an AMQP handshake in time")

    def _tree(self) -> list[psutil.Process]:
        try:
            return [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        except (psutil.NoSuchProcess, AttributeError):
            return []

    def kill(self) -> None:
        """SIGKILL the broker: the Erlang VM and its wrapper die without any clean-up."""
        procs = self._tree()
        for p in procs:
            try:
                p.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(procs, timeout=10)
        self.proc.wait(10)
        self.proc._log.close()

    def stop(self) -> None:
        """SIGTERM the broker, then kill whatever of its tree is left."""
        if self.proc is None:
            return
        procs = self._tree()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                pass
        for p in procs:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(procs, timeout=10)
        self.proc._log.close()
        self.proc = None

    def close(self) -> None:
        self.stop()
        self.epmd.kill()
        self.epmd.wait(10)


@pytest.fixture(scope="session")
def rabbitmq():
    """A running, isolated RabbitMQ broker for the whole session (skipped if not installed)."""
    if not Path(SERVER).exists() or shutil.which("epmd") is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("rabbitmq-server is not installed: run `make test` (it installs it).")
        pytest.skip("rabbitmq-server is not installed: run `make test` (it installs it).")
    base = Path(tempfile.mkdtemp(prefix="pqfl-rabbit-"))
    broker = RabbitBroker(base)
    try:
        broker.start()
        yield broker
    finally:
        broker.close()
        shutil.rmtree(base, ignore_errors=True)
