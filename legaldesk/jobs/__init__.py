"""The job scheduler: its process, its database lease, the job table and the single runner."""
