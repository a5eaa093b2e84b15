-- world.sql - the search benchmark's people and places: one GHT, 50 communities (a third
-- each public, restricted, secret), 300 authors with French names, and the viewer
-- (lecteur@recherche.bench.test), a member of every community, so each search carries ~50
-- community keys. psql -v token_hash=HEX sets the viewer's session (the cookie's SHA-256),
-- as bench/people.sql does. The documents come after, from load.sql.
INSERT INTO organisations (kind, name) VALUES ('ght', 'GHT Banc de recherche');

INSERT INTO users (email, display_name, organisation_id, job_title, place)
SELECT 'auteur' || g || '@recherche.bench.test',
       (ARRAY['Claire', 'Hélène', 'Sophie', 'Nathalie', 'Isabelle', 'Catherine', 'Sylvie',
              'Valérie', 'Céline', 'Aurélie', 'Julien', 'Nicolas', 'François', 'Laurent',
              'Stéphane', 'Olivier', 'Thierry', 'Éric', 'Michaël', 'Renaud'])[1 + g % 20]
       || ' ' ||
       (ARRAY['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand',
              'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David',
              'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Mercier',
              'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand'])[1 + (g * 7) % 30],
       o.id,
       (ARRAY['Cadre de santé', 'Directrice des soins', 'Infirmier coordinateur',
              'Responsable qualité', 'Pharmacienne', 'Médecin coordonnateur', 'Assistante sociale',
              'Directeur adjoint', 'Ingénieure qualité', 'Gestionnaire des risques'])[1 + g % 10],
       (ARRAY['Avignon', 'Carpentras', 'Cavaillon', 'Orange', 'Apt', 'Pertuis', 'Valréas',
              'Saintes', 'Rochefort', 'Royan'])[1 + (g * 3) % 10]
  FROM generate_series(1, 300) g, organisations o
 WHERE o.name = 'GHT Banc de recherche';
INSERT INTO users (email, display_name, organisation_id, job_title)
SELECT 'lecteur@recherche.bench.test', 'Lecteur du banc de recherche', o.id, 'Directrice qualité'
  FROM organisations o WHERE o.name = 'GHT Banc de recherche';

INSERT INTO communities (slug, name, description, organisation_id, visibility)
SELECT 'recherche-' || g,
       (ARRAY['Qualité et gestion des risques', 'Hygiène hospitalière', 'Parcours gériatrique',
              'Coordination ville-hôpital', 'Direction des soins', 'Pharmacie et circuit du médicament',
              'Réseau des EHPAD', 'Système d''information', 'Santé mentale', 'Handicap et autonomie'])[1 + (g - 1) % 10]
       || ' — ' ||
       (ARRAY['GHT Vaucluse', 'GHT Saintonge', 'ARS Provence', 'ESMS du territoire', 'GHT Rhône'])[1 + (g - 1) / 10],
       'Espace de travail ' || g || ' : procédures, comptes rendus et documents partagés du groupement.',
       o.id, (ARRAY['public', 'restricted', 'secret'])[1 + g % 3]::community_visibility
  FROM generate_series(1, 50) g, organisations o
 WHERE o.name = 'GHT Banc de recherche';

INSERT INTO memberships (community_id, user_id, role)
SELECT c.id, u.id, 'member'
  FROM communities c, users u
 WHERE c.slug LIKE 'recherche-%' AND u.email = 'lecteur@recherche.bench.test';
-- Each author in two communities (whose co-members may then find them).
INSERT INTO memberships (community_id, user_id, role)
SELECT DISTINCT c.id, u.id, 'member'::member_role
  FROM users u CROSS JOIN generate_series(0, 1) k
  JOIN communities c ON c.slug = 'recherche-' || (1 + (u.id * 13 + k * 17) % 50)
 WHERE u.email LIKE 'auteur%@recherche.bench.test';

INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
SELECT id, decode(:'token_hash', 'hex'), 'bench-csrf-token', now() + interval '12 hours'
  FROM users WHERE email = 'lecteur@recherche.bench.test';
