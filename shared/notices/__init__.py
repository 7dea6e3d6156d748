"""通知: short notices to declarants when their declaration is decided, and later when a 整改
falls due or a 居住证 becomes possible.

`outbox.queue_notice` adds a row in the caller's transaction (the decision's own), `delivery`
drains the rows with retries and backoff through a `senders.Sender` (a file for the demo, an
HTTP SMS gateway in `sms`), and only the sender opens the declarant's phone.
"""
