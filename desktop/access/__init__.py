"""Who may do what: login and lockout, roles and permissions, secrets in the OS keyring."""
