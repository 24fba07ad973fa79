-- ChowMojo's orders: what a customer paid for, in integer cents.
CREATE TABLE orders (
    id            bigserial PRIMARY KEY,
    notes         text,
    total         integer NOT NULL DEFAULT 0,
    dispatched_at timestamp without time zone,
    delivered_at  timestamp without time zone,
    inserted_at   timestamp without time zone NOT NULL,
    updated_at    timestamp without time zone NOT NULL
);
