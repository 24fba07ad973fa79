-- {role} is an identifier, {password} a literal: no parameter can stand for either here.
-- CREATEDB: lesson 1 makes a database of the learner's own beside the lesson's.
CREATE ROLE {role} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOINHERIT PASSWORD {password}
