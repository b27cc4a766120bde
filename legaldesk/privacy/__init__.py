"""Personal data over its whole life: retention periods and the job that applies them."""
