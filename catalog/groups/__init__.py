"""Groups: the categories (分野) that datasets are filed under."""
