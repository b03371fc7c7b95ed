"""Hypothesis profiles for the engine's property tests, picked by ``HYPOTHESIS_PROFILE`` (``ci`` or ``dev``).

They are registered as ``engine-ci`` and ``engine-dev`` and applied by the engine's tests themselves
(``test_engine_properties.PROFILE``), so they neither depend on nor change the project-wide profiles
that tests/conftest.py loads. The engine tests thus run the same inside the project and on their own,
without Django (``pytest --confcutdir=tests/allocations tests/allocations``).
"""

from hypothesis import HealthCheck, settings

# CI: reproducible (derandomized, no example database) and thorough: 500 examples per property.
settings.register_profile(
    "engine-ci",
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("engine-dev", max_examples=60, deadline=None)
