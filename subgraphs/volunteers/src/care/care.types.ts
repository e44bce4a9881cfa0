import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Volunteer } from '../volunteer/volunteer.entity';
import { CareKind, Urgency } from './care.enums';

export enum CandidateFactor {
  DISTANCE = 'DISTANCE',
  WORKLOAD = 'WORKLOAD',
  AVAILABILITY = 'AVAILABILITY',
  SKILLS = 'SKILLS',
}

registerEnumType(CandidateFactor, {
  name: 'CandidateFactor',
  description: "What a candidate's score is made of 匹配因素",
  valuesConfig: {
    DISTANCE: { description: 'Great-circle distance from their base to the household 距离' },
    WORKLOAD: { description: 'Tasks already in hand, 1.5 km each 手头任务' },
    AVAILABILITY: { description: 'A shift covers the window, or on duty now for a task that starts soon 可用时段' },
    SKILLS: { description: 'Has the skills and seats the task needs 技能与座位' },
  },
});

@ObjectType({ description: 'One part of a candidate\'s score 评分依据.' })
export class CandidateReason {
  @Field(() => CandidateFactor)
  factor!: CandidateFactor;

  @Field(() => Int, { description: 'Metres this adds to the score (0 when it only qualifies the volunteer).' })
  metres!: number;

  @Field()
  detail!: string;

  @Field()
  detailZh!: string;
}

@ObjectType({ description: 'A volunteer who could take a task, with the reasons for their rank 候选志愿者.' })
export class CareCandidate {
  @Field(() => Volunteer)
  volunteer!: Volunteer;

  @Field({ description: 'The community the volunteer belongs to.' })
  community!: string;

  @Field(() => Int, { description: 'Great-circle metres from their base to the household.' })
  distanceMetres!: number;

  @Field(() => Int, { description: 'Tasks they hold now.' })
  tasksInHand!: number;

  @Field(() => Int, { description: 'Metres plus 1,500 per task in hand; lower ranks first.' })
  score!: number;

  @Field(() => [CandidateReason])
  reasons!: CandidateReason[];
}

@ObjectType({ description: 'Open care requests of one kind and urgency.' })
export class OpenCareCount {
  @Field(() => CareKind)
  kind!: CareKind;

  @Field(() => Urgency)
  urgency!: Urgency;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Care figures of one dispatch zone 片区.' })
export class ZoneCareFigures {
  @Field({ description: 'The zone; "" for requests and volunteers without one.' })
  zone!: string;

  @Field(() => [OpenCareCount], { description: 'Requests still open (submitted, queued, offered, accepted, under way).' })
  open!: OpenCareCount[];

  @Field(() => Float, { nullable: true, description: 'Median minutes from request to a volunteer accepting, over the period.' })
  medianMinutesToAccept!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median minutes from request to done, over the period.' })
  medianMinutesToDone!: number | null;

  @Field(() => Int, { description: 'Volunteers on duty or on shift now.' })
  volunteersAvailableNow!: number;

  @Field(() => Int, { description: "This community's tasks taken by other communities' volunteers, over the period." })
  borrowedIn!: number;

  @Field(() => Int, { description: "Other communities' tasks taken by this community's volunteers, over the period." })
  lentOut!: number;
}

@ObjectType({ description: "A community's care figures for the data console 求助统计." })
export class CareFiguresView {
  @Field({ description: 'When they were taken.' })
  takenAt!: Date;

  @Field(() => Int, { description: 'The period of the medians and borrowing counts, in days.' })
  days!: number;

  @Field(() => Float, { nullable: true, description: 'Median minutes from request to a volunteer accepting, over the period, across the whole community (not a mean of the zones).' })
  medianMinutesToAccept!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median minutes from request to done, over the period, across the whole community.' })
  medianMinutesToDone!: number | null;

  @Field(() => [ZoneCareFigures])
  zones!: ZoneCareFigures[];
}
