-- UUID version 7 (RFC 9562) made by the database, the same shape as
-- src/util/uuid.ts: 48 bits of Unix milliseconds, then the random bits of a
-- version 4 UUID, with the version nibble turned from 4 (0100) into 7 (0111).
-- Publishing inserts an event and its deliveries in one statement, and the
-- number of deliveries is known only inside it.
CREATE OR REPLACE FUNCTION hookline_uuidv7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
                PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;
