-- Not idempotent on purpose: applied twice, it fails (duplicate key), so a test sees a second application.
INSERT INTO orders (id, item) VALUES (1, 'first; with a semicolon');
