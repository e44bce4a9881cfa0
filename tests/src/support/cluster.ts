export {
  TestCluster,
  TEST_ISSUER,
  TEST_PARTNER_CLIENT,
  TEST_SUBDISTRICT_SUBJECT,
  type ClusterOptions,
  type GraphQLAnswer,
  type RoleSpec,
} from '../../../ops/src/cluster';
