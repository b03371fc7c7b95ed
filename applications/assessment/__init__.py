"""The assessment of applications: reviewers, reviews, criteria and priority points (DESIGN.md §5)."""
