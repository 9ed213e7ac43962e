"""What the load-balancer tests need besides benchmarks.harness's driver of `deploy/serve.py`.

Without haproxy they skip with the apt command, unless REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

import os

import pytest

from deploy import serve


def require_haproxy() -> str:
    path = serve.haproxy_path()
    if path:
        return path
    reason = f"no haproxy (Debian: {serve.INSTALL_HAPROXY})"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)
