-- people.sql: the world of the authenticated scenarios — 2,000 staff of one GHT, 500
-- communities (a third each public, restricted, secret) of 10 members each, and the viewer
-- (viewer@bench.test), a member of 20 of them. psql -v token_hash=HEX sets the viewer's
-- session (the cookie's SHA-256).
INSERT INTO organisations (kind, name) VALUES ('ght', 'GHT Banc d''essai');
INSERT INTO users (email, display_name, organisation_id, job_title, place)
SELECT 'agent' || g || '@bench.test', 'Agent ' || g, o.id, 'Cadre de santé', 'Avignon'
  FROM generate_series(1, 2000) g, organisations o;
INSERT INTO users (email, display_name, organisation_id, job_title)
SELECT 'viewer@bench.test', 'Lecteur du banc', o.id, 'Directrice des soins' FROM organisations o;
INSERT INTO communities (slug, name, description, organisation_id, visibility)
SELECT 'communaute-' || g, 'Communauté ' || g,
       'Espace de travail numéro ' || g || ' du groupement hospitalier.', o.id,
       (ARRAY['public', 'restricted', 'secret'])[1 + g % 3]::community_visibility
  FROM generate_series(1, 500) g, organisations o;
INSERT INTO memberships (community_id, user_id, role)
SELECT c.id, u.id, CASE WHEN k = 0 THEN 'animator' ELSE 'member' END::member_role
  FROM communities c
  CROSS JOIN generate_series(0, 9) k
  JOIN users u ON u.email = 'agent' || (1 + (c.id * 7 + k * 191) % 2000) || '@bench.test';
INSERT INTO memberships (community_id, user_id, role)
SELECT c.id, u.id, 'member' FROM communities c, users u
 WHERE u.email = 'viewer@bench.test' AND c.id % 25 = 0;
INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
SELECT id, decode(:'token_hash', 'hex'), 'bench-csrf-token', now() + interval '12 hours'
  FROM users WHERE email = 'viewer@bench.test';
ANALYZE;
