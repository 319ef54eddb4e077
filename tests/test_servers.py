"""The test servers start on free loopback ports and leave no process behind (kernels included)."""
from __future__ import annotations

import urllib.request

import psutil
import pytest
from conftest import ARTIFACTS
from servers import free_port, start, stop, voila_args


@pytest.mark.slow  # starts a Voila server and a kernel
def test_voila_server_renders_and_stops_without_leaks():
    port = free_port()
    proc = start(voila_args(port), f"http://127.0.0.1:{port}/favicon.ico", ARTIFACTS / "logs" / "voila-leak.log")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/00_start_here.ipynb", timeout=120) as r:
            assert r.status == 200
        family = psutil.Process(proc.pid).children(recursive=True)
        assert family, "rendering should have started a kernel process"
        listening = {c.laddr.port for c in psutil.net_connections("tcp") if c.status == "LISTEN" and c.pid == proc.pid}
        assert listening == {port}
        assert all(c.laddr.ip == "127.0.0.1" for c in psutil.net_connections("tcp")
                   if c.pid == proc.pid and c.status == "LISTEN")
    finally:
        stop(proc)
    gone, alive = psutil.wait_procs(family, timeout=5)
    assert not alive, f"left behind: {alive}"
    assert proc.poll() is not None
