"""The connector's durable state: users, QBWC sessions, work queue, ID map (see README.md)."""
