"""The append-only audit log: who read, exported or changed what, when, from where and why."""
