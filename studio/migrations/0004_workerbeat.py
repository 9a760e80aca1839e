from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('studio', '0003_sharelink'),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkerBeat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('seen_at', models.DateTimeField()),
            ],
        ),
    ]
