"""The region's picture (issue 6): rollups filled incrementally by a periodic task, so that no
dashboard reads the raw tables per request; dashboards with drill-down to the cases behind
each number; ratings of bodies and municipalities by a versioned methodology."""
