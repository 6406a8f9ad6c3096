-- Run once by the mysql image's entrypoint, after 01-replication-account.sh: a small table to watch replicate.
CREATE DATABASE demo;
CREATE TABLE demo.orders (
  id INT AUTO_INCREMENT PRIMARY KEY,
  customer VARCHAR(64) NOT NULL,
  amount DECIMAL(10, 2) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO demo.orders (customer, amount) VALUES ('alice', 12.50), ('bob', 7.25), ('carol', 30.00);
