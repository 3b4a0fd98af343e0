import { existsSync } from 'node:fs';
import { defineConfig } from 'vitepress';

// guide/deploy.md is written by the infra engineer; until it exists the sidebar leaves it out.
const hasDeployPage = existsSync(new URL('../guide/deploy.md', import.meta.url));

// The site is fully static and offline: no external fonts, analytics or CDN; search is the
// local MiniSearch index VitePress builds from every page.
export default defineConfig({
  title: 'virtplan',
  description:
    'Open-source virtualization planning for hospital IT: readiness, consolidation with an N+1 reserve, disaster recovery and the HIPAA contingency plan.',
  lang: 'en-GB',
  base: process.env.VIRTPLAN_DOCS_BASE ?? '/',
  lastUpdated: false,
  head: [
    [
      'link',
      { rel: 'icon', type: 'image/svg+xml', href: `${process.env.VIRTPLAN_DOCS_BASE ?? '/'}favicon.svg` },
    ],
  ],
  // Generated fragments (included into hand-written pages) are not pages themselves.
  srcExclude: ['_generated/**', 'README.md', 'test-results/**'],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/quick-start', activeMatch: '/guide/' },
      { text: 'Concepts', link: '/concepts/estate', activeMatch: '/concepts/' },
      { text: 'Reference', link: '/reference/', activeMatch: '/reference/' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Quick start', link: '/guide/quick-start' },
          { text: 'Import an RVTools export', link: '/guide/import-rvtools' },
          { text: 'Plan a consolidation', link: '/guide/plan-consolidation' },
          { text: 'Evaluate disaster recovery', link: '/guide/evaluate-dr' },
          { text: 'Embed the client', link: '/guide/embed-client' },
          ...(hasDeployPage ? [{ text: 'Deploy', link: '/guide/deploy' }] : []),
        ],
      },
      {
        text: 'Concepts',
        items: [
          { text: 'The estate', link: '/concepts/estate' },
          { text: 'Readiness', link: '/concepts/readiness' },
          { text: 'Consolidation', link: '/concepts/consolidation' },
          { text: 'HA reserve (N+1)', link: '/concepts/ha-reserve' },
          { text: 'Disaster recovery', link: '/concepts/disaster-recovery' },
          { text: 'RPO and RTO', link: '/concepts/rpo-rto' },
          { text: 'HIPAA contingency plan', link: '/concepts/hipaa-contingency' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Overview', link: '/reference/' },
          { text: 'Estate file format', link: '/reference/estate-format' },
          { text: 'Rule catalogue', link: '/reference/rules' },
          {
            text: 'GraphQL schema',
            link: '/reference/graphql/',
            collapsed: true,
            items: [
              { text: 'Object types', link: '/reference/graphql/objects' },
              { text: 'Input types', link: '/reference/graphql/inputs' },
              { text: 'Enums', link: '/reference/graphql/enums' },
              { text: 'Unions', link: '/reference/graphql/unions' },
              { text: 'Interfaces', link: '/reference/graphql/interfaces' },
              { text: 'Scalars', link: '/reference/graphql/scalars' },
            ],
          },
          { text: 'Client SDK', link: '/reference/client/' },
          { text: 'Command line', link: '/reference/cli' },
          { text: 'Performance', link: '/reference/performance' },
          { text: 'Reliability and security', link: '/reliability' },
        ],
      },
    ],
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    footer: { message: 'virtplan — planning aid, not a substitute for your own risk analysis.' },
  },
});
