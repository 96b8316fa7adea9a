"""HTTP face: one router per Procore resource family, plus ``/_sim`` (the web UI and simulator controls)."""
