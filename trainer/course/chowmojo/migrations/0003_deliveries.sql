-- What ChowMojo sent: welcome emails, digests, restaurant notifications. The app's
-- "mailer" writes a row here instead of talking to a mail server, so a test can see it.
CREATE TABLE deliveries (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    recipient     text NOT NULL,
    user_id       bigint REFERENCES users (id),
    restaurant_id bigint REFERENCES restaurants (id),
    order_id      bigint REFERENCES orders (id),
    inserted_at   timestamp without time zone NOT NULL,
    updated_at    timestamp without time zone NOT NULL
);
