/** IV. Backing services: attached resources, located by config, never by an address in the code. */
import type { Finding } from '../report.js';
import { finding, type Check } from './check.js';
import { hostOf, isDeployAddress, isUsed } from './config.js';

const SERVICE_SCHEMES: Record<string, string> = {
  postgres: 'PostgreSQL', postgresql: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB', redis: 'Redis', rediss: 'Redis',
  mongodb: 'MongoDB', 'mongodb+srv': 'MongoDB', amqp: 'RabbitMQ', amqps: 'RabbitMQ', memcached: 'Memcached', nats: 'NATS',
  kafka: 'Kafka', smtp: 'SMTP', smtps: 'SMTP', elasticsearch: 'Elasticsearch',
};
const SERVICE_PORTS: Record<number, string> = {
  5432: 'PostgreSQL', 3306: 'MySQL', 6379: 'Redis', 27017: 'MongoDB', 5672: 'RabbitMQ', 11211: 'Memcached', 9200: 'Elasticsearch',
  4222: 'NATS', 9092: 'Kafka', 25: 'SMTP', 587: 'SMTP',
};
/** The names backing-service clients are made by: a literal passed to one is an address in code. */
const CONNECTS = /(^|\.)(connect|createConnection|createPool|createClient|Pool|Client|Redis|MongoClient|Sequelize|knex|Knex|create_engine|StrictRedis|from_url|Connection|Queue|Producer|Consumer|fetch|get|post|request|Kafka|Memcached|io)$/i;

function serviceOf(value: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme && SERVICE_SCHEMES[scheme]) return SERVICE_SCHEMES[scheme];
  const port = hostOf(value)?.port;
  return port !== undefined ? SERVICE_PORTS[port] : undefined;
}

export const backingServicesCheck: Check = {
  factor: 4,
  run(codebase) {
    const found: Finding[] = [];
    const fromEnv = new Set<string>();
    for (const source of codebase.sources) {
      for (const read of source.envReads) if (/_URL$|_URI$|_HOST$|^DATABASE|^REDIS/.test(read.name)) fromEnv.add(read.name);
      for (const literal of source.literals) {
        if (!isUsed(literal)) continue;
        const service = serviceOf(literal.value);
        const connects = literal.callee !== undefined && CONNECTS.test(literal.callee);
        if (service === undefined && !(connects && isDeployAddress(literal.value))) continue;
        const what = service ?? 'a service';
        found.push(finding('fail', 'service-addresses', `${what} at ${literal.value}${literal.callee ? `, passed to ${literal.callee}` : ''}: the address is in the code`,
          { file: source.file, line: literal.line },
          `Read it from a config var (${service === 'PostgreSQL' ? 'DATABASE_URL' : service === 'Redis' ? 'REDIS_URL' : 'SERVICE_URL'}), which \`twelve addons:create\` or \`addons:attach\` sets.`));
      }
    }
    if (found.length === 0 && fromEnv.size > 0) {
      found.push(finding('pass', 'service-addresses', `services located by config: ${[...fromEnv].sort().slice(0, 6).join(', ')}`));
    }
    return found;
  },
};
