-- One tenant declaration's writes to PostgreSQL, as the portal makes them (statements taken from
-- the server's log of a declaration through bench/streamlit_client.py): the form's draft saved
-- after each field (one insert, four updates, each its own transaction), then the submission in
-- one transaction (idempotency and repeat checks, the declaration, its event, version, a finding
-- and the audit line, the draft deleted). Run by bench/capacity_pgbench.py with pgbench -n;
-- :plates is the number of rows of bench_plates (plate code, room, grid), made before the run;
-- codes come quoted (quote_literal), since pgbench puts variables into the SQL as they are.
\set k random(1, :plates)
\set n random(1, 2000000000)
SELECT quote_literal(code) AS plate, room_id AS room, quote_literal(grid_code) AS grid FROM bench_plates WHERE n = :k \gset
DELETE FROM form_drafts WHERE updated_at <= now() - interval '7 days';
INSERT INTO form_drafts (token_key, form, plate_code, values_enc, updated_at)
  VALUES (md5('d' || :n || :client_id), 'tenant', :plate, decode(repeat(md5(:n::text), 14), 'hex'), now());
UPDATE form_drafts SET values_enc = decode(repeat(md5(:n::text), 16), 'hex'), updated_at = now() WHERE token_key = md5('d' || :n || :client_id);
UPDATE form_drafts SET values_enc = decode(repeat(md5(:n::text), 18), 'hex'), updated_at = now() WHERE token_key = md5('d' || :n || :client_id);
UPDATE form_drafts SET values_enc = decode(repeat(md5(:n::text), 20), 'hex'), updated_at = now() WHERE token_key = md5('d' || :n || :client_id);
UPDATE form_drafts SET values_enc = decode(repeat(md5(:n::text), 22), 'hex'), updated_at = now() WHERE token_key = md5('d' || :n || :client_id);
BEGIN;
SELECT id FROM declarations WHERE idempotency_key = md5('i' || :n || :client_id);
SELECT code, status FROM door_plates WHERE code = :plate;
SELECT rooms.id, rooms.status, buildings.status FROM rooms JOIN buildings ON buildings.id = rooms.building_id WHERE rooms.id = :room;
SELECT id, payload_enc FROM declarations
  WHERE declarant_index = md5('p' || :n || :client_id) AND kind = 'residence' AND plate_code = :plate
    AND created_at > now() - interval '10 minutes';
SELECT id FROM declarations WHERE receipt_code = upper(substr(md5('r' || :n || :client_id), 1, 10));
SELECT residences.room_id, count(*) FROM residences WHERE residences.room_id = :room GROUP BY residences.room_id;
INSERT INTO declarations (kind, plate_code, room_id, declarant_role, declarant_index, payload_enc, version, status,
    receipt_code, idempotency_key, grid_code, created_at, updated_at, row_version)
  VALUES ('residence', :plate, :room, 'tenant', md5('p' || :n || :client_id), decode(repeat(md5(:n::text), 22), 'hex'), 1,
    'has_issues', upper(substr(md5('r' || :n || :client_id), 1, 10)), md5('i' || :n || :client_id), :grid, now(), now(), 1)
  RETURNING id AS declaration \gset
INSERT INTO declaration_events (declaration_id, actor, action, note, at) VALUES (:declaration, 'declarant', 'submitted', '', now());
INSERT INTO declaration_versions (declaration_id, version, payload_enc, created_at)
  VALUES (:declaration, 1, decode(repeat(md5(:n::text), 22), 'hex'), now());
INSERT INTO findings (declaration_id, rule, severity, field, message_zh, message_en, created_at)
  VALUES (:declaration, 'room_not_rental', 'warning', 'room_id', '房间：101室未登记为出租屋', 'Room: room 101 is not registered as a rental', now());
INSERT INTO audit_log (at, actor, action, target_type, target_id, detail)
  VALUES (now(), 'declarant', 'declaration.submit.residence', 'declaration', :declaration,
    json_build_object('plate_code', :plate, 'rooms', json_build_array(:room), 'declarant_index', md5('p' || :n || :client_id), 'people', 1));
DELETE FROM form_drafts WHERE token_key = md5('d' || :n || :client_id);
COMMIT;
