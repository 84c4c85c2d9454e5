"""The ЦУР as a project office: sector blocks, indicators, project passports, plans, reports,
risks and working groups (regulation §§ 3–4)."""
