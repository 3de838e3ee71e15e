"""A corpus of businesses of different shapes on which the built-in catalogue must make sense."""
