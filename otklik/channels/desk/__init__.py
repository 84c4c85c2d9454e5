"""The operator's desk: phone calls and paper letters registered by an operator of the ЦУР or
of an organisation (issue 15, part 6). What the operator typed (the form's data as JSON, the
scans stored as files) is delivered through ``channels.services.channel_receive`` like any
channel's item, so the message follows the usual path (language pipeline, case, routing,
deadlines) and a failure leaves the delivery in the quarantine with its reason."""
