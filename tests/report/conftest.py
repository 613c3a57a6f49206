"""Fixtures of the report tests: a run's outputs and report over the demo corpus."""

from __future__ import annotations

import pytest

from tests.helpers import DEMO
from tests.report.helpers import report_out


@pytest.fixture(scope="package")
def demo_report(tmp_path_factory):
    return report_out(tmp_path_factory, "demo", [DEMO])
