import os

import pytest
from hypothesis import HealthCheck, settings

pytest.register_assert_rewrite("_streamcheck")

# "ci" keeps the whole suite within a few minutes on 2 cores; "fuzz" is for long runs:
#   HYPOTHESIS_PROFILE=fuzz pytest -q tests/test_properties.py
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
