CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY,
	"organization_id" uuid NOT NULL,
	"estate_id" uuid,
	"key_id" text,
	"action" text NOT NULL,
	"estate_revision" integer,
	"detail" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "estates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"seq" bigserial UNIQUE,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"source_format" text NOT NULL,
	"source_text" text NOT NULL,
	"document" jsonb NOT NULL,
	"data_confidence" double precision NOT NULL,
	"provenance" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_key_id" text
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"estate_id" uuid,
	"id" text,
	"position" integer NOT NULL,
	"host_id" text NOT NULL,
	"site" text NOT NULL,
	"role" text NOT NULL,
	"cpu_cores" double precision NOT NULL,
	"cpu_ghz" double precision NOT NULL,
	"memory_gib" double precision NOT NULL,
	"iops" double precision,
	"storage_gib" double precision,
	"network_gbps" double precision NOT NULL,
	"power_idle_w" double precision NOT NULL,
	"power_max_w" double precision NOT NULL,
	CONSTRAINT "hosts_pkey" PRIMARY KEY("estate_id","id")
);
--> statement-breakpoint
CREATE TABLE "links" (
	"estate_id" uuid,
	"position" integer,
	"site_a" text NOT NULL,
	"site_b" text NOT NULL,
	"bandwidth_mbps" double precision NOT NULL,
	"latency_ms" double precision NOT NULL,
	CONSTRAINT "links_pkey" PRIMARY KEY("estate_id","position")
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"estate_id" uuid PRIMARY KEY,
	"consolidation" jsonb NOT NULL,
	"dr" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"estate_id" uuid,
	"id" text,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"pue" double precision NOT NULL,
	"energy_cost_per_kwh" double precision NOT NULL,
	"carbon_kg_per_kwh" double precision NOT NULL,
	"assumed" jsonb NOT NULL,
	CONSTRAINT "sites_pkey" PRIMARY KEY("estate_id","id")
);
--> statement-breakpoint
CREATE TABLE "workloads" (
	"estate_id" uuid,
	"id" text,
	"name" text NOT NULL,
	"application" text NOT NULL,
	"role" text NOT NULL,
	"site" text NOT NULL,
	"current_host" text,
	"vcpus" double precision NOT NULL,
	"cpu_utilization" double precision NOT NULL,
	"memory_gib" double precision NOT NULL,
	"iops" double precision NOT NULL,
	"storage_gib" double precision NOT NULL,
	"network_mbps" double precision NOT NULL,
	"criticality" text NOT NULL,
	"rpo_minutes" double precision NOT NULL,
	"rto_minutes" double precision NOT NULL,
	"boot_minutes" double precision NOT NULL,
	"depends_on" jsonb NOT NULL,
	"change_rate_gib_per_hour" double precision NOT NULL,
	"vendor_support" text NOT NULL,
	"phi" boolean NOT NULL,
	"anti_affinity_group" text,
	"pinned_site" text,
	"measured" jsonb NOT NULL,
	"rpo_from_policy" boolean NOT NULL,
	"rto_from_policy" boolean NOT NULL,
	CONSTRAINT "workloads_pkey" PRIMARY KEY("estate_id","id")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY,
	"organization_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"secret_sha256" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_scope_check" CHECK ("scope" in ('read', 'write', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"name" text NOT NULL UNIQUE,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dr_evaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"seq" bigserial UNIQUE,
	"organization_id" uuid NOT NULL,
	"estate_id" uuid NOT NULL,
	"estate_revision" integer NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_key_id" text
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"seq" bigserial UNIQUE,
	"organization_id" uuid NOT NULL,
	"estate_id" uuid NOT NULL,
	"estate_revision" integer NOT NULL,
	"options" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_key_id" text
);
--> statement-breakpoint
CREATE INDEX "audit_log_organization_id_estate_id_seq_index" ON "audit_log" ("organization_id","estate_id","seq");--> statement-breakpoint
CREATE INDEX "estates_organization_id_seq_index" ON "estates" ("organization_id","seq");--> statement-breakpoint
CREATE INDEX "workloads_estate_id_application_index" ON "workloads" ("estate_id","application");--> statement-breakpoint
CREATE INDEX "api_keys_organization_id_index" ON "api_keys" ("organization_id");--> statement-breakpoint
CREATE INDEX "dr_evaluations_estate_id_seq_index" ON "dr_evaluations" ("estate_id","seq");--> statement-breakpoint
CREATE INDEX "plans_estate_id_seq_index" ON "plans" ("estate_id","seq");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "estates" ADD CONSTRAINT "estates_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "estates" ADD CONSTRAINT "estates_created_by_key_id_api_keys_id_fkey" FOREIGN KEY ("created_by_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_estate_id_estates_id_fkey" FOREIGN KEY ("estate_id") REFERENCES "estates"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_estate_id_estates_id_fkey" FOREIGN KEY ("estate_id") REFERENCES "estates"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_estate_id_estates_id_fkey" FOREIGN KEY ("estate_id") REFERENCES "estates"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_estate_id_estates_id_fkey" FOREIGN KEY ("estate_id") REFERENCES "estates"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "workloads" ADD CONSTRAINT "workloads_estate_id_estates_id_fkey" FOREIGN KEY ("estate_id") REFERENCES "estates"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "dr_evaluations" ADD CONSTRAINT "dr_evaluations_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "dr_evaluations" ADD CONSTRAINT "dr_evaluations_estate_id_estates_id_fkey" FOREIGN KEY ("estate_id") REFERENCES "estates"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "dr_evaluations" ADD CONSTRAINT "dr_evaluations_created_by_key_id_api_keys_id_fkey" FOREIGN KEY ("created_by_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_estate_id_estates_id_fkey" FOREIGN KEY ("estate_id") REFERENCES "estates"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_created_by_key_id_api_keys_id_fkey" FOREIGN KEY ("created_by_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL;