from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funds', '0005_fund_ideas_all_year_round'),
    ]

    operations = [
        migrations.AddField(
            model_name='fund',
            name='headline_perspective',
            field=models.CharField(choices=[('municipality', 'Kommunen'), ('public_sector', 'Offentlig sektor'), ('society', 'Samhället')], default='municipality', help_text='Vems nettonuvärde kalkylernas nyckeltal leds av; samhällets visas alltid bredvid.', max_length=30, verbose_name='huvudperspektiv i kalkylerna'),
        ),
    ]
