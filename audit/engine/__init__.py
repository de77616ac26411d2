"""The analysis engine: pieces in, results out (analyze + score), in batches and worker processes."""
