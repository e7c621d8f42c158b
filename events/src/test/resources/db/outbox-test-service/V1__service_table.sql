-- A service's own first migration, for OutboxTest: the library's V1 must not collide with it.
CREATE TABLE service_table (id INT PRIMARY KEY);
