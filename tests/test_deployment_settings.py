"""The production settings mode passes Django's deployment checks with nothing to report."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WORKBENCH_"))
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        WORKBENCH_ENV="production",
        WORKBENCH_VAR_DIR=str(tmp_path),
        DJANGO_SECRET_KEY="x7!Qp2@Lm9#Vz4$Rt8%Wk3^Yn6&Hb1*Jd5(Fg0)Cs2_Ae7+Uo4=Ix9",
        DJANGO_ALLOWED_HOSTS="workbench.example.gov",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret(tmp_path):
    result = _manage("check", WORKBENCH_ENV="production", WORKBENCH_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
