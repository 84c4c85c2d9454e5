"""How the audit log names the deadline policies' events (see ``otklik/audit/registry.py``)."""

from otklik.audit.registry import actions_register, target_register

actions_register({"sla.policies_load": "Правила сроков загружены"})
target_register("sla.deadlinepolicy", label="правило сроков")
