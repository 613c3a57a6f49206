"""Fixtures of the trace tests: the run over the seed articles."""

import pytest

from tests.helpers import SEEDS, need
from wiretrace import Config, run
from wiretrace.config import RunSettings


@pytest.fixture(scope="package")
def seeds():
    return run([need(SEEDS)], Config(run=RunSettings(workers=1)))
