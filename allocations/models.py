"""The models of the money half; the allocation-run models arrive with the integrator's branch."""
