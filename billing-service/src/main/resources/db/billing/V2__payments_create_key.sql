-- The idempotency key a payment was created with, kept with the payment (idempotency keys expire after their TTL,
-- payments settle days later): the payment events carry it so a consumer can match a caller's retried request.
ALTER TABLE payments ADD COLUMN create_key text;
