"""HostQuery, CompanyQuery, PreferencesQuery: what the running QuickBooks says about itself."""
