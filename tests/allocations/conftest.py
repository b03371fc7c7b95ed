"""Hypothesis profiles for the engine's property tests, picked by ``HYPOTHESIS_PROFILE`` (``ci``, ``thorough``
or ``dev``).

They are registered as ``engine-ci``, ``engine-thorough`` and ``engine-dev`` and applied by the engine's tests
themselves (``test_engine_properties.PROFILE``), so they neither depend on nor change the project-wide profiles
that tests/conftest.py loads. The engine tests thus run the same inside the project and on their own,
without Django (``pytest --confcutdir=tests/allocations tests/allocations``).
"""

from hypothesis import HealthCheck, settings

# CI: reproducible (derandomized, no example database): 200 examples per property, about 100 s for the nine
# properties on a 2-core machine (500 took 256 s). ``thorough`` searches further, for a release or an engine
# change.
settings.register_profile(
    "engine-ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("engine-dev", max_examples=60, deadline=None)
settings.register_profile(
    "engine-thorough", max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
