import { registerEnumType } from 'type-graphql';

// Its own module (no ORM): the demo data and the launcher name it without loading the entities.
export enum Tenure {
  OWNER = 'OWNER',
  TENANT = 'TENANT',
  OTHER = 'OTHER',
}

registerEnumType(Tenure, {
  name: 'Tenure',
  description: 'How the household holds its home 居住性质. Tenants count as much as owners.',
  valuesConfig: {
    OWNER: { description: 'Owner 业主' },
    TENANT: { description: 'Tenant 租户' },
    OTHER: { description: 'Other 其他' },
  },
});
