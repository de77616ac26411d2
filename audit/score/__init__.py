"""Evidence to scores and a verdict."""
