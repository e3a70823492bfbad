"""Organizations (departments, 部局・課) and their members."""
