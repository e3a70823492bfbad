"""Access requests: staff ask for a restricted dataset, its organization's admins decide."""
