"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/) at ``/open311/v2/``.

Third-party 311 applications read the service list (the active topics of the taxonomy), the
service definitions (extra fields from ``data/attributes.toml``), post service requests with an
API key issued to their system (``otklik apikey create --system NAME``) and follow the status of
the requests they posted. A posted request is a message of channel ``open311``: its form body
(less the ``api_key``) goes through ``channel_receive``, raw first, so a malformed one waits in
the quarantine with its reason. The service request is the case the message opened or joined;
its number is the ``service_request_id``. The answer is pulled, not pushed: once published it
appears as ``status_notes`` (the outbox's ``open311`` transport publishes in Otklik).
"""
