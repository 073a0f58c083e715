-- Fieldbook, version 1 ("production"): a small team-journal app, written by the schemadrift team
-- as the demo comparison. `cargo xtask demo` loads this into a private PostgreSQL and dumps it.
CREATE SCHEMA audit;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE public.task_status AS ENUM ('open', 'in_progress', 'done');
CREATE TYPE public.member_role AS ENUM ('owner', 'editor', 'viewer');

CREATE FUNCTION public.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TABLE public.teams (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    slug text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.teams IS 'A workspace shared by its members';

CREATE TABLE public.users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL,
    display_name text,
    password_hash text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower_key ON public.users (lower(email));
COMMENT ON COLUMN public.users.password_hash IS 'argon2id hash; NULL for SSO-only users';

CREATE TABLE public.team_members (
    team_id uuid NOT NULL REFERENCES public.teams(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    role public.member_role NOT NULL DEFAULT 'viewer',
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE public.projects (
    id bigserial PRIMARY KEY,
    team_id uuid NOT NULL REFERENCES public.teams(id) ON DELETE CASCADE,
    name varchar(120) NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_projects_team ON public.projects (team_id) WHERE NOT archived;

CREATE TABLE public.tasks (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES public.projects(id) ON DELETE CASCADE,
    title text NOT NULL,
    body text,
    status public.task_status NOT NULL DEFAULT 'open',
    assignee_id uuid REFERENCES public.users(id) ON DELETE SET NULL,
    estimate_hours numeric,
    due_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tasks_title_not_blank CHECK (btrim(title) <> '')
);
CREATE INDEX idx_tasks_project_status ON public.tasks (project_id, status);
CREATE INDEX idx_tasks_title_search ON public.tasks USING gin (title gin_trgm_ops);
CREATE INDEX idx_tasks_due ON public.tasks (due_on) WHERE status <> 'done';
CREATE TRIGGER tasks_touch BEFORE UPDATE ON public.tasks
    FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();
COMMENT ON COLUMN public.tasks.estimate_hours IS 'Planned effort in hours';

CREATE TABLE public.comments (
    id bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES public.tasks(id) ON DELETE CASCADE,
    author_id uuid REFERENCES public.users(id) ON DELETE SET NULL,
    body text NOT NULL,
    edited boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_comments_task ON public.comments (task_id, created_at);
CREATE INDEX idx_comments_created ON public.comments (created_at);

CREATE TABLE audit.events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id uuid,
    action text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_audit_events_actor_time ON audit.events (actor_id, at DESC);

CREATE FUNCTION public.task_count(p_project bigint) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM public.tasks WHERE project_id = p_project $$;

CREATE VIEW public.open_tasks WITH (security_invoker = true) AS
    SELECT t.id, t.project_id, t.title, t.assignee_id, t.due_on
    FROM public.tasks t
    WHERE t.status <> 'done';

ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY tasks_team_members ON public.tasks
    USING (EXISTS (SELECT 1 FROM public.projects p JOIN public.team_members m ON m.team_id = p.team_id
                   WHERE p.id = tasks.project_id AND m.user_id = current_setting('app.user_id')::uuid));

-- A copy someone made before a data fix and never removed.
CREATE TABLE public.users_backup_2025_03 AS SELECT * FROM public.users;

-- A little data and a grant, so dumps with data or privileges have something to show.
GRANT SELECT ON public.open_tasks TO PUBLIC;
INSERT INTO public.teams (id, name, slug) VALUES
    ('00000000-0000-0000-0000-000000000001', 'Harbor crew', 'harbor'),
    ('00000000-0000-0000-0000-000000000002', 'Ridge team', 'ridge');
INSERT INTO public.projects (team_id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Dock repairs');
INSERT INTO public.tasks (project_id, title, estimate_hours) VALUES (1, 'Replace planks', 6.5), (1, 'Paint rails', 3);
