"""The K3s manifests and the node image recipe, validated offline (no cluster runs here)."""
from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = sorted((ROOT / "deploy" / "k3s").glob("*.yaml"))
VERSION = "1.33"  # a current K3s release line


def _docs():
    return [(path.name, doc) for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("name, doc", _docs(), ids=lambda v: v if isinstance(v, str) else v.get("kind", "?"))
def test_manifest_is_valid_in_strict_mode(name, doc):
    kubernetes_validate.validate(doc, VERSION, strict=True)


def test_strict_mode_catches_a_misspelled_field():
    doc = next(d for _, d in _docs() if d["kind"] == "DaemonSet")
    bad = yaml.safe_load(yaml.safe_dump(doc))
    bad["spec"]["template"]["spec"]["nodeSelectr"] = bad["spec"]["template"]["spec"].pop("nodeSelector")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, VERSION, strict=True)


def test_cluster_shape():
    kinds = {(d["kind"], d["metadata"]["name"]) for _, d in _docs()}
    assert {("StatefulSet", "rabbitmq"), ("Deployment", "fl-aggregator"), ("DaemonSet", "fl-client")} <= kinds
    client = next(d for _, d in _docs() if d["kind"] == "DaemonSet")
    spec = client["spec"]["template"]["spec"]
    assert spec["nodeSelector"]["kubernetes.io/arch"] == "arm64"  # one client per Pi node
    assert spec["containers"][0]["args"][0] == "client"
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["python", "-m", "pqfl_kit.fl.node"]' in dockerfile
