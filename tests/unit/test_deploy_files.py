"""The deployment files pass their own tools and agree with the app they deploy.

Containerfile: hadolint. deploy/kubernetes/: the Kubernetes schemas (kubernetes-validate, strict, offline).
deploy/systemd/: `systemd-analyze verify`. And every value they share with the app (port, health path,
upload size, affinity cookie, user, temporary directory) is read from where the app or the other file
keeps it, never copied into this test.

No container engine or cluster runs here: these check the files, not a built image or a running pod.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from kubernetes_validate import utils as kubernetes_validate
from streamlit.web.server.starlette.starlette_routes import ROUTE_HEALTH

from deploy import serve
from lib.limits import LIMITS

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = ROOT / "Containerfile"
IGNOREFILE = ROOT / ".dockerignore"
KUBERNETES = ROOT / "deploy" / "kubernetes"
UNIT = ROOT / "deploy" / "systemd" / "homeworking-dashboard.service"
# The newest Kubernetes whose schemas kubernetes-validate (requirements-dev.txt) ships in its wheel.
KUBERNETES_VERSION = "1.37.0"
HEALTH_PATH = "/" + ROUTE_HEALTH.lstrip("/")  # Streamlit's own route, as the probes must ask for it
INSTALL_DEV = "python -m pip install -r requirements-dev.txt"


# --- reading the files ---------------------------------------------------------------------------


def instructions(text: str) -> list[tuple[str, str]]:
    """A Containerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    found, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        found.append((keyword.upper(), rest.strip()))
        pending = ""
    return found


def containerfile() -> list[tuple[str, str]]:
    return instructions(CONTAINERFILE.read_text(encoding="utf-8"))


def only(keyword: str) -> str:
    """The arguments of the one instruction `keyword` (the last one, as the build would take)."""
    matching = [rest for kw, rest in containerfile() if kw == keyword]
    assert matching, f"the Containerfile has no {keyword}"
    return matching[-1]


def image_env() -> dict[str, str]:
    env = {}
    for keyword, rest in containerfile():
        if keyword == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(rest))
    return env


def option(command: list[str], name: str) -> str:
    """The value of `--name=value` or `--name value` in a command line."""
    for i, word in enumerate(command):
        if word == name:
            return command[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    raise AssertionError(f"{name} is not in {command}")


def image_command() -> list[str]:
    return json.loads(only("CMD"))


def image_port() -> int:
    exposed = only("EXPOSE").split()
    assert len(exposed) == 1, f"one documented port, not {exposed}"
    return int(exposed[0].split("/")[0])


def copied_paths() -> list[str]:
    """The repository paths the recipe COPYs (sources of every COPY not from another stage)."""
    paths = []
    for keyword, rest in containerfile():
        if keyword != "COPY":
            continue
        words = [w for w in shlex.split(rest) if not w.startswith("--")]
        assert "--from" not in rest, "a COPY from another stage: teach this test about it"
        paths += words[:-1]
    return paths


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether a build-context path is left out by .dockerignore's patterns (its rules, simplified)."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if pattern.startswith("**/"):
            tail = pattern[3:]
            hit = any(fnmatchcase("/".join(parts[j:i]), tail) for i in range(1, len(parts) + 1) for j in range(i))
        else:
            hit = any(fnmatchcase(prefix, pattern) for prefix in prefixes)
        if hit:
            result = not negate
    return result


def ignore_patterns() -> list[str]:
    lines = IGNOREFILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def manifest_files() -> list[Path]:
    return sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")


def resources() -> list[dict]:
    found = []
    for path in manifest_files():
        found += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return found


def resource(kind: str) -> dict:
    matching = [r for r in resources() if r["kind"] == kind]
    assert len(matching) == 1, f"one {kind} in deploy/kubernetes/, found {len(matching)}"
    return matching[0]


def pod() -> dict:
    return resource("Deployment")["spec"]["template"]


def container() -> dict:
    containers = pod()["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def container_port(port: int | str) -> int:
    """A probe's or Service's port, by number or by the container port's name."""
    if isinstance(port, int):
        return port
    named = {p["name"]: p["containerPort"] for p in container()["ports"]}
    assert port in named, f"no container port named {port!r}"
    return named[port]


def quantity(value: str | int) -> float:
    """A Kubernetes quantity (cpu in cores, memory in bytes)."""
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9}
    text = str(value)
    for suffix, factor in sorted(units.items(), key=lambda u: -len(u[0])):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


def seconds(duration: str) -> int:
    """An HAProxy duration (`1h`, `60s`, `3m`, `500ms`) in whole seconds."""
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", duration).groups()
    return int(int(number) * {"ms": 0.001, "s": 1, None: 0.001, "m": 60, "h": 3600, "d": 86400}[unit])


def haproxy_config() -> str:
    """deploy/haproxy.cfg.template as deploy/serve.py fills it in."""
    return serve.render_config(
        address="127.0.0.1", port=1, replicas=[serve.Replica("r1", 2)], stats_socket=Path("haproxy.sock")
    )


def unit() -> dict[str, dict[str, list[str]]]:
    """The systemd unit: section → key → every value given (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service(key: str) -> str:
    values = unit()["Service"].get(key)
    assert values, f"the unit's [Service] has no {key}="
    return values[-1]


def tool(name: str) -> str:
    """A dev requirement's executable: beside this interpreter (a venv's bin/), else on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: {INSTALL_DEV}")
    return found


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found:
        return found
    reason = "no systemd-analyze (apt-get install -y systemd)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


# --- the container recipe ------------------------------------------------------------------------


def hadolint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # An empty configuration of our own, so a developer's ~/.config/hadolint.yaml changes nothing.
    config = cwd / "hadolint.yaml"
    config.write_text("{}\n")
    return subprocess.run(
        [tool("hadolint"), "--no-color", "--config", str(config), *args, str(CONTAINERFILE)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_hadolint_finds_nothing_in_the_containerfile(tmp_path):
    result = hadolint(cwd=tmp_path)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_each_rule_the_containerfile_ignores_is_needed_and_says_why(tmp_path):
    lines = CONTAINERFILE.read_text(encoding="utf-8").splitlines()
    ignored_rules = set()
    for i, line in enumerate(lines):
        pragma = re.match(r"#\s*hadolint\s+ignore=(\S+)", line.strip())
        if pragma:
            ignored_rules |= set(pragma.group(1).split(","))
            reason = lines[i - 1].strip() if i else ""
            assert reason.startswith("#") and "hadolint" not in reason, f"line {i + 1}: say why, just above"
    result = hadolint("--disable-ignore-pragma", "--format", "json", cwd=tmp_path)
    fired = {finding["code"] for finding in json.loads(result.stdout)}
    assert fired == ignored_rules  # every finding is ignored inline, and no ignore is stale


def test_the_base_image_is_python_3_11_slim_bookworm_pinned_by_tag_and_digest():
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", only("FROM").split()[0])


def test_every_path_the_recipe_copies_exists_and_reaches_the_build():
    paths = copied_paths()
    assert "requirements.txt" in paths and "dashboard.py" in paths
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"the Containerfile copies paths that are gone: {missing}"
    left_out = [p for p in paths if ignored(p, ignore_patterns())]
    assert not left_out, f".dockerignore leaves out what the Containerfile copies: {left_out}"


def test_every_module_and_page_script_the_app_uses_is_copied():
    """A new top-level package, module or page folder (app/, pages/, ui/) the app needs must be in the COPY list."""
    copied = {p.strip("/").removesuffix(".py") for p in copied_paths()}
    local = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")}
    local |= {p.stem for p in ROOT.glob("*.py")}
    sources = [ROOT / p for p in copied_paths() if p.endswith(".py")]
    sources += [path for p in copied_paths() if (ROOT / p).is_dir() for path in (ROOT / p).rglob("*.py")]
    needed = set()
    for source in sources:
        for name in re.findall(r"^\s*(?:from|import)\s+(\w+)", source.read_text(encoding="utf-8"), re.M):
            if name in local:
                needed.add(name)
    assert "lib" in needed  # the scan works: every page imports lib
    assert needed <= copied, f"imported but not copied: {sorted(needed - copied)}"
    # Page scripts are named by path, from their Page records and the session script that dashboard.py names.
    from lib.views import PAGES

    scripts = {page.script for page in PAGES.values()}
    scripts |= set(re.findall(r"st\.App\(\s*[\"']([^\"']+\.py)", (ROOT / "dashboard.py").read_text(encoding="utf-8")))
    assert len(scripts) == len(PAGES) + 1, scripts
    outside = sorted(path for path in scripts if path.split("/")[0] not in copied)
    assert not outside, f"page scripts the image would not have: {outside}"


def test_the_build_context_leaves_out_tests_benchmarks_history_and_screenshots():
    patterns = ignore_patterns()
    for path in [".git/HEAD", "tests/unit/test_data.py", "benchmarks/run.py", "tests/browser/screenshots/a.png"]:
        assert ignored(path, patterns), path
    for path in ["lib/data/__init__.py", "pages/sectors.py", "data/homeworking_2019.csv", ".streamlit/config.toml"]:
        assert not ignored(path, patterns), path


def test_the_image_serves_the_dashboard_headless_on_every_address_of_its_one_port():
    command, port = image_command(), image_port()
    assert command[:3] == ["streamlit", "run", "dashboard.py"]
    assert int(option(command, "--server.port")) == port
    assert option(command, "--server.address") == "0.0.0.0"  # noqa: S104 (a container's port is published)
    assert option(command, "--server.headless") == "true"
    health = only("HEALTHCHECK")
    assert f"http://127.0.0.1:{port}{HEALTH_PATH}'" in health
    assert "curl" not in health and "wget" not in health  # neither is in the image


def test_the_image_runs_as_a_user_and_writes_only_under_its_temporary_directory():
    user = only("USER").split(":")[0]
    assert user.isdigit() and int(user) != 0, "a numeric non-root USER, so runAsNonRoot can check it"
    env = image_env()
    tmp = env["TMPDIR"]
    for name in ["HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"]:
        assert Path(env[name]).is_relative_to(tmp), name


# --- the Kubernetes manifests --------------------------------------------------------------------


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_each_manifest_is_valid_against_the_kubernetes_schemas_strictly(path):
    documents = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    assert documents
    for document in documents:
        # Raises on an unknown field (strict), a wrong type, or a kind or apiVersion with no schema.
        version = kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        assert version == KUBERNETES_VERSION.rsplit(".", 1)[0]


def test_strict_validation_catches_a_misspelt_field():
    deployment = resource("Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFileSystem"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest_and_names_the_deployments_image():
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text(encoding="utf-8"))
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == [p.name for p in manifest_files()]
    assert [image["name"] for image in kustomization["images"]] == [container()["image"]]


def test_the_pods_listen_and_are_probed_where_the_image_serves():
    port = image_port()
    assert [p["containerPort"] for p in container()["ports"]] == [port]
    for probe in ["startupProbe", "readinessProbe", "livenessProbe"]:
        check = container()[probe]["httpGet"]
        assert (check["path"], container_port(check["port"])) == (HEALTH_PATH, port), probe
    assert serve.arguments([]).port == port  # the one machine's documented port is the same
    service_ports = resource("Service")["spec"]["ports"]
    assert [container_port(p["targetPort"]) for p in service_ports] == [port]
    backend = resource("Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == resource("Service")["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service_ports}


def test_every_selector_picks_the_pods_of_the_deployment():
    labels = pod()["metadata"]["labels"]
    selectors = [
        resource("Deployment")["spec"]["selector"]["matchLabels"],
        resource("Service")["spec"]["selector"],
        resource("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
    ]
    for selector in selectors:
        assert selector.items() <= labels.items()


def test_the_ingress_keeps_a_browser_on_its_pod_as_haproxy_does():
    annotations = resource("Ingress")["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    config = haproxy_config()
    cookie = re.search(r"^\s*cookie (\S+) insert .*SameSite=(\w+)", config, re.M)
    assert cookie, "the HAProxy template no longer inserts a cookie"
    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "affinity-mode"] == "persistent"
    assert annotations[prefix + "session-cookie-name"] == cookie.group(1) == serve.COOKIE
    assert annotations[prefix + "session-cookie-samesite"] == cookie.group(2)
    tunnel = seconds(re.search(r"^\s*timeout tunnel (\S+)", config, re.M).group(1))
    assert int(annotations[prefix + "proxy-read-timeout"]) == tunnel
    assert int(annotations[prefix + "proxy-send-timeout"]) == tunnel


def test_the_ingress_accepts_the_largest_upload_the_app_accepts():
    annotations = resource("Ingress")["metadata"]["annotations"]
    streamlit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == f"{LIMITS.upload_mb}m"
    assert streamlit["server"]["maxUploadSize"] == LIMITS.upload_mb
    overridden = resource("ConfigMap")["data"].get("STREAMLIT_SERVER_MAX_UPLOAD_SIZE")
    assert overridden in (None, str(LIMITS.upload_mb))


def test_the_public_address_is_the_same_in_the_ingress_its_certificate_and_the_apps_links():
    ingress = resource("Ingress")["spec"]
    hosts = {rule["host"] for rule in ingress["rules"]}
    assert len(hosts) == 1
    assert [set(tls["hosts"]) for tls in ingress["tls"]] == [hosts]
    assert all(tls["secretName"] for tls in ingress["tls"])
    base = urlsplit(resource("ConfigMap")["data"]["DASHBOARD_BASE_URL"])
    assert (base.scheme, base.hostname) == ("https", hosts.pop())


def test_the_pods_get_the_configmap_and_streamlits_settings():
    assert container()["envFrom"] == [{"configMapRef": {"name": resource("ConfigMap")["metadata"]["name"]}}]
    data = resource("ConfigMap")["data"]
    assert data["STREAMLIT_SERVER_HEADLESS"] == "true"
    assert data["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert all(isinstance(value, str) for value in data.values())


def test_the_pods_run_unprivileged_on_a_read_only_root_with_writable_temporary_directories():
    spec = pod()["spec"]
    security = spec["securityContext"]
    assert security["runAsNonRoot"] is True
    assert str(security["runAsUser"]) == only("USER").split(":")[0]
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    own = container()["securityContext"]
    assert own["allowPrivilegeEscalation"] is False
    assert own["readOnlyRootFilesystem"] is True
    assert own["capabilities"] == {"drop": ["ALL"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container()["volumeMounts"]}
    assert "emptyDir" in mounts[image_env()["TMPDIR"]]  # TMPDIR and HOME, the image's only writable place
    assert mounts["/dev/shm"]["emptyDir"]["medium"] == "Memory"  # noqa: S108 (a mount path, Chromium's shared memory)


def test_a_stopping_pod_leaves_the_ingress_before_streamlit_stops():
    sleep = container()["lifecycle"]["preStop"]["exec"]["command"]
    assert sleep[0] == "sleep" and int(sleep[1]) >= 5
    assert pod()["spec"]["terminationGracePeriodSeconds"] >= int(sleep[1]) + LIMITS.timeout_s


def test_the_pods_resources_hold_what_the_app_may_use_at_once():
    requests, limits = container()["resources"]["requests"], container()["resources"]["limits"]
    for name in ["cpu", "memory"]:
        assert quantity(requests[name]) <= quantity(limits[name]), name
    # Files are read `workers` at a time, each in a process of its own: a core each, beside the server.
    assert quantity(limits["cpu"]) >= LIMITS.workers
    # One reader at its own memory limit beside a server at its 1.5 GB target must fit in the pod, so the
    # reader's limit refuses the file in words before the kernel stops the pod (benchmarks/results.md).
    assert quantity(limits["memory"]) >= LIMITS.worker_memory_bytes + 1.5 * 2**30


def test_the_autoscaler_keeps_at_least_two_replicas_and_owns_the_count():
    hpa = resource("HorizontalPodAutoscaler")
    deployment = resource("Deployment")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == (
        deployment["apiVersion"],
        deployment["kind"],
        deployment["metadata"]["name"],
    )
    assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    # Re-applied on every `kubectl apply -k`, a count here would undo the autoscaler's.
    assert "replicas" not in deployment["spec"]
    budget = resource("PodDisruptionBudget")["spec"]
    assert budget.get("maxUnavailable", 0) < hpa["spec"]["minReplicas"]


# --- the systemd unit ----------------------------------------------------------------------------


def verify(unit_text: str, directory: Path) -> subprocess.CompletedProcess:
    copy = directory / UNIT.name
    copy.write_text(unit_text, encoding="utf-8")
    return subprocess.run(
        [systemd_analyze(), "verify", str(copy)], capture_output=True, text=True, timeout=60, cwd=directory
    )


def test_systemd_analyze_verify_finds_nothing_but_the_venv_that_is_not_on_this_machine(tmp_path):
    """Its only complaint about the unit as shipped is the venv's python, absent here; with the paths
    pointed at this checkout and this interpreter, it has none."""
    text = UNIT.read_text(encoding="utf-8")
    interpreter = service("ExecStart").split()[0]
    as_shipped = verify(text, tmp_path)
    if not Path(interpreter).exists():
        complaints = (as_shipped.stdout + as_shipped.stderr).strip().splitlines()
        assert complaints == [f"{UNIT.name}: Command {interpreter} is not executable: No such file or directory"]
    install = service("WorkingDirectory")
    here = text.replace(interpreter, sys.executable).replace(install, str(ROOT))
    assert (ROOT / "deploy" / "serve.py").as_posix() in here  # the unit runs this repository's launcher
    result = verify(here, tmp_path)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_systemd_analyze_verify_would_report_a_mistake(tmp_path):
    text = UNIT.read_text(encoding="utf-8").replace(service("ExecStart").split()[0], sys.executable)
    result = verify(text.replace("KillMode=mixed", "KillMode=mixd"), tmp_path)
    assert "mixd" in result.stdout + result.stderr


def test_the_unit_runs_the_launcher_on_the_documented_port_as_its_own_user():
    command = shlex.split(service("ExecStart"))
    assert Path(command[0]).parts[-3:] == ("venv", "bin", "python")
    assert command[1].endswith("/deploy/serve.py")
    assert int(option(command, "--port")) == image_port() == serve.arguments([]).port
    assert service("User") not in ("", "root")
    assert service("Restart") == "on-failure"


def test_the_unit_lets_the_launcher_stop_its_own_children_in_time():
    replicas = int(option(shlex.split(service("ExecStart")), "--replicas"))
    # serve.py handles SIGTERM itself and stops every child's process group, so SIGTERM goes to it alone.
    assert "signal.SIGTERM" in Path(serve.__file__).read_text(encoding="utf-8")
    assert service("KillMode") == "mixed"
    # It waits up to STOP_TIMEOUT_S for each child in turn (the replicas and HAProxy) before SIGKILL.
    assert int(service("TimeoutStopSec")) > (replicas + 1) * serve.STOP_TIMEOUT_S


def test_the_unit_is_hardened():
    assert service("NoNewPrivileges") == "yes"
    assert service("ProtectSystem") == "strict"
    assert service("PrivateTmp") == "yes"
    assert service("ProtectHome") == "yes"
    assert service("CapabilityBoundingSet") == ""
    home = [v.split("=", 1)[1] for v in unit()["Service"]["Environment"] if v.startswith("HOME=")]
    # ProtectSystem=strict leaves only the state directory (and /tmp) writable: HOME must be the former.
    assert home == [f"/var/lib/{service('StateDirectory')}"]
