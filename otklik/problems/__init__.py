"""The registry of regional problems (regulation 4.4): a problem gathers many cases, has an
owner, a root cause, measures with deadlines, linked indicators of national and regional
projects, and shows whether the inflow of complaints fell after the measures."""
