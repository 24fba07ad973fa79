-- ChowMojo grows: the people who order, the restaurants that cook, what customers said.
CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL UNIQUE,
    address     text,
    inserted_at timestamp without time zone NOT NULL,
    updated_at  timestamp without time zone NOT NULL
);

CREATE TABLE restaurants (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    address     text,
    rating      integer CHECK (rating BETWEEN 1 AND 5),
    owner_id    bigint REFERENCES users (id),
    inserted_at timestamp without time zone NOT NULL,
    updated_at  timestamp without time zone NOT NULL
);

-- An order may name who placed it and where: the refund lesson's orders name neither.
ALTER TABLE orders
    ADD COLUMN restaurant_id bigint REFERENCES restaurants (id),
    ADD COLUMN user_id bigint REFERENCES users (id);

CREATE TABLE reviews (
    id            bigserial PRIMARY KEY,
    comment       text NOT NULL,
    -- NULL until a sentiment analysis has looked at the comment.
    sentiment     text CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    rating        integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    restaurant_id bigint REFERENCES restaurants (id),
    user_id       bigint REFERENCES users (id),
    inserted_at   timestamp without time zone NOT NULL,
    updated_at    timestamp without time zone NOT NULL
);
