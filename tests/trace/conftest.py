"""Fixtures of the trace tests: the run over the seed articles."""

import pytest

from tests.helpers import SEEDS, need
from wiretrace import Config, run


@pytest.fixture(scope="package")
def seeds():
    return run([need(SEEDS)], Config(workers=1))
