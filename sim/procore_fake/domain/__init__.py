"""Domain rules of the fake Procore: state and rules only, no HTTP and no SQL."""
